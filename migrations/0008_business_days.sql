CREATE TABLE `product_day` (
	`day` text NOT NULL,
	`product_id` integer NOT NULL,
	`gross_minor` integer NOT NULL,
	`refunds_minor` integer NOT NULL,
	`items_sold` integer NOT NULL,
	`items_refunded` integer NOT NULL,
	`sales` integer NOT NULL,
	PRIMARY KEY(`day`, `product_id`),
	CONSTRAINT "product_day_gross_minor_bounded" CHECK(typeof(gross_minor) = 'integer' AND gross_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_refunds_minor_bounded" CHECK(typeof(refunds_minor) = 'integer' AND refunds_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_items_sold_bounded" CHECK(typeof(items_sold) = 'integer' AND items_sold BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_items_refunded_bounded" CHECK(typeof(items_refunded) = 'integer' AND items_refunded BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_sales_bounded" CHECK(typeof(sales) = 'integer' AND sales BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` integer PRIMARY KEY NOT NULL,
	`shop_id` integer NOT NULL,
	`refund_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`refunded_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_shop_refund` ON `refunds` (`shop_id`,`refund_id`);--> statement-breakpoint
CREATE INDEX `refunds_flush` ON `refunds` (`flush_shard`,`flush_seq`);--> statement-breakpoint
CREATE TABLE `shop_day` (
	`day` text NOT NULL,
	`shop_id` integer NOT NULL,
	`gross_minor` integer NOT NULL,
	`refunds_minor` integer NOT NULL,
	`items_sold` integer NOT NULL,
	`items_refunded` integer NOT NULL,
	`sales` integer NOT NULL,
	PRIMARY KEY(`day`, `shop_id`),
	CONSTRAINT "shop_day_gross_minor_bounded" CHECK(typeof(gross_minor) = 'integer' AND gross_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_day_refunds_minor_bounded" CHECK(typeof(refunds_minor) = 'integer' AND refunds_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_day_items_sold_bounded" CHECK(typeof(items_sold) = 'integer' AND items_sold BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_day_items_refunded_bounded" CHECK(typeof(items_refunded) = 'integer' AND items_refunded BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_day_sales_bounded" CHECK(typeof(sales) = 'integer' AND sales BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
CREATE TABLE `shop_product_day` (
	`day` text NOT NULL,
	`shop_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	`gross_minor` integer NOT NULL,
	`refunds_minor` integer NOT NULL,
	`items_sold` integer NOT NULL,
	`items_refunded` integer NOT NULL,
	`sales` integer NOT NULL,
	PRIMARY KEY(`day`, `shop_id`, `product_id`),
	CONSTRAINT "shop_product_day_gross_minor_bounded" CHECK(typeof(gross_minor) = 'integer' AND gross_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_product_day_refunds_minor_bounded" CHECK(typeof(refunds_minor) = 'integer' AND refunds_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_product_day_items_sold_bounded" CHECK(typeof(items_sold) = 'integer' AND items_sold BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_product_day_items_refunded_bounded" CHECK(typeof(items_refunded) = 'integer' AND items_refunded BETWEEN 0 AND 999999999999999),
	CONSTRAINT "shop_product_day_sales_bounded" CHECK(typeof(sales) = 'integer' AND sales BETWEEN 0 AND 999999999999999)
);
--> statement-breakpoint
CREATE TABLE `shop_rebuckets` (
	`shop_id` integer PRIMARY KEY NOT NULL,
	`requested_at` integer NOT NULL
);
--> statement-breakpoint
DROP TABLE `day_revenue`;--> statement-breakpoint
DROP TABLE `product_month_quantity`;--> statement-breakpoint
DROP TABLE `shop_month_revenue`;--> statement-breakpoint
ALTER TABLE `shops` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `day_start_minutes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` DROP COLUMN `month`;--> statement-breakpoint
-- Edited by hand: SQLite adds a NOT NULL column only with a default. Every shop had UTC days
-- until now, so the business date of the sales flushed so far is their UTC date.
ALTER TABLE `sales` ADD `business_day` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `sales` SET `business_day` = strftime('%Y-%m-%d', `sold_at` / 1000.0, 'unixepoch');--> statement-breakpoint
INSERT INTO `shop_day` SELECT `business_day`, `shop_id`, sum(`quantity` * `unit_price_minor`), 0, sum(`quantity`), 0, count(*) FROM `sales` GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO `product_day` SELECT `business_day`, `product_id`, sum(`quantity` * `unit_price_minor`), 0, sum(`quantity`), 0, count(*) FROM `sales` GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO `shop_product_day` SELECT `business_day`, `shop_id`, `product_id`, sum(`quantity` * `unit_price_minor`), 0, sum(`quantity`), 0, count(*) FROM `sales` GROUP BY 1, 2, 3;--> statement-breakpoint
ALTER TABLE `sales_dead_letters` ADD `business_day` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_dead_letters` ADD `refund_of` text;