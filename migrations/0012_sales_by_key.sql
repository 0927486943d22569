-- Sales keyed by (shop_id, sale_id) and WITHOUT ROWID: the key is the table, one entry a sale
-- written (a rowid table with a unique index wrote two). drizzle-kit cannot say WITHOUT ROWID.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sales` (
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`sold_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `sale_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_sales`("shop_id", "sale_id", "product_id", "quantity", "unit_price_minor", "sold_at", "business_day", "flush_shard", "flush_seq") SELECT "shop_id", "sale_id", "product_id", "quantity", "unit_price_minor", "sold_at", "business_day", "flush_shard", "flush_seq" FROM `sales`;--> statement-breakpoint
DROP TABLE `sales`;--> statement-breakpoint
ALTER TABLE `__new_sales` RENAME TO `sales`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `sales_flush_log` DROP COLUMN `first_sale_id`;--> statement-breakpoint
ALTER TABLE `sales_flush_log` DROP COLUMN `last_sale_id`;