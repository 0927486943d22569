CREATE TABLE `product_month_quantity` (
	`product_id` integer NOT NULL,
	`month` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`month`, `product_id`)
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`model` text NOT NULL,
	`price_minor` integer NOT NULL,
	`release_date` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`sold_at` integer NOT NULL,
	`month` text GENERATED ALWAYS AS (strftime('%Y-%m', sold_at / 1000.0, 'unixepoch')) STORED,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sales_flush` ON `sales` (`flush_shard`,`flush_seq`);--> statement-breakpoint
CREATE TABLE `sales_flush_log` (
	`shard` integer NOT NULL,
	`seq` integer NOT NULL,
	`last_row` integer NOT NULL,
	`rows` integer NOT NULL,
	`flushed_at` integer NOT NULL,
	PRIMARY KEY(`shard`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `shop_month_revenue` (
	`shop_id` integer NOT NULL,
	`month` text NOT NULL,
	`revenue_minor` integer NOT NULL,
	PRIMARY KEY(`month`, `shop_id`)
);
--> statement-breakpoint
CREATE TABLE `shops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`company_id` integer
);
