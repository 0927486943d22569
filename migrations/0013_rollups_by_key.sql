-- The day rollups and the flush log keyed WITHOUT ROWID: the key is the table, so a new row is
-- one row written, where a rowid table with its primary-key index wrote two. drizzle-kit cannot
-- say WITHOUT ROWID.
CREATE TABLE `__new_shop_day` (
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
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_shop_day`("day", "shop_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales") SELECT "day", "shop_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales" FROM `shop_day`;--> statement-breakpoint
DROP TABLE `shop_day`;--> statement-breakpoint
ALTER TABLE `__new_shop_day` RENAME TO `shop_day`;--> statement-breakpoint
CREATE TABLE `__new_product_day` (
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
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_product_day`("day", "product_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales") SELECT "day", "product_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales" FROM `product_day`;--> statement-breakpoint
DROP TABLE `product_day`;--> statement-breakpoint
ALTER TABLE `__new_product_day` RENAME TO `product_day`;--> statement-breakpoint
CREATE TABLE `__new_shop_product_day` (
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
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_shop_product_day`("day", "shop_id", "product_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales") SELECT "day", "shop_id", "product_id", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales" FROM `shop_product_day`;--> statement-breakpoint
DROP TABLE `shop_product_day`;--> statement-breakpoint
ALTER TABLE `__new_shop_product_day` RENAME TO `shop_product_day`;--> statement-breakpoint
CREATE TABLE `__new_sales_flush_log` (
	`shard` integer NOT NULL,
	`seq` integer NOT NULL,
	`last_row` integer NOT NULL,
	`rows` integer NOT NULL,
	`flushed_at` integer NOT NULL,
	PRIMARY KEY(`shard`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_sales_flush_log`("shard", "seq", "last_row", "rows", "flushed_at") SELECT "shard", "seq", "last_row", "rows", "flushed_at" FROM `sales_flush_log`;--> statement-breakpoint
DROP TABLE `sales_flush_log`;--> statement-breakpoint
ALTER TABLE `__new_sales_flush_log` RENAME TO `sales_flush_log`;
