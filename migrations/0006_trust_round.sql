CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `day_revenue` (
	`day` text PRIMARY KEY NOT NULL,
	`revenue_minor` integer NOT NULL,
	CONSTRAINT "day_revenue_bounded" CHECK(typeof(revenue_minor) = 'integer' AND revenue_minor BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
CREATE TABLE `sales_dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shard` integer NOT NULL,
	`seq` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`sold_at` integer NOT NULL,
	`error` text NOT NULL,
	`set_aside_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sales_dead_letters_shard_seq` ON `sales_dead_letters` (`shard`,`seq`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sales` (
	`id` integer PRIMARY KEY NOT NULL,
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`sold_at` integer NOT NULL,
	`month` text GENERATED ALWAYS AS (strftime('%Y-%m', sold_at / 1000.0, 'unixepoch')) STORED,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_sales`("shop_id", "sale_id", "product_id", "quantity", "unit_price_minor", "sold_at", "flush_shard", "flush_seq") SELECT "shop_id", "id", "product_id", "quantity", "unit_price_minor", "sold_at", "flush_shard", "flush_seq" FROM `sales` ORDER BY "flush_shard", "flush_seq";--> statement-breakpoint
DROP TABLE `sales`;--> statement-breakpoint
ALTER TABLE `__new_sales` RENAME TO `sales`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `sales_shop_sale` ON `sales` (`shop_id`,`sale_id`);--> statement-breakpoint
CREATE INDEX `sales_flush` ON `sales` (`flush_shard`,`flush_seq`);--> statement-breakpoint
INSERT INTO `day_revenue`("day", "revenue_minor") SELECT strftime('%Y-%m-%d', "sold_at" / 1000.0, 'unixepoch'), sum("quantity" * "unit_price_minor") FROM `sales` GROUP BY 1;--> statement-breakpoint
ALTER TABLE `users` ADD `role` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `message_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `from` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `html` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_status_id` ON `outbox` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `api_keys_shop` ON `api_keys` (`shop_id`);--> statement-breakpoint
CREATE TABLE `__new_product_month_quantity` (
	`product_id` integer NOT NULL,
	`month` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`month`, `product_id`),
	CONSTRAINT "product_month_quantity_bounded" CHECK(typeof(quantity) = 'integer' AND quantity BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
INSERT INTO `__new_product_month_quantity`("product_id", "month", "quantity") SELECT "product_id", "month", "quantity" FROM `product_month_quantity`;--> statement-breakpoint
DROP TABLE `product_month_quantity`;--> statement-breakpoint
ALTER TABLE `__new_product_month_quantity` RENAME TO `product_month_quantity`;--> statement-breakpoint
CREATE INDEX `product_month_quantity_product` ON `product_month_quantity` (`product_id`);--> statement-breakpoint
CREATE TABLE `__new_shop_month_revenue` (
	`shop_id` integer NOT NULL,
	`month` text NOT NULL,
	`revenue_minor` integer NOT NULL,
	PRIMARY KEY(`month`, `shop_id`),
	CONSTRAINT "shop_month_revenue_bounded" CHECK(typeof(revenue_minor) = 'integer' AND revenue_minor BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
INSERT INTO `__new_shop_month_revenue`("shop_id", "month", "revenue_minor") SELECT "shop_id", "month", "revenue_minor" FROM `shop_month_revenue`;--> statement-breakpoint
DROP TABLE `shop_month_revenue`;--> statement-breakpoint
ALTER TABLE `__new_shop_month_revenue` RENAME TO `shop_month_revenue`;