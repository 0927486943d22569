-- Refunds keyed (shop_id, refund_id) WITHOUT ROWID: the key is the table, where a rowid table
-- wrote the row and a unique-index entry, and the index only the old flush used goes: four rows
-- written a refund become two (the row, the by-sale index). drizzle-kit cannot say WITHOUT ROWID.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_refunds` (
	`shop_id` integer NOT NULL,
	`refund_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`refunded_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `refund_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_refunds`("shop_id", "refund_id", "sale_id", "product_id", "quantity", "unit_price_minor", "refunded_at", "business_day", "flush_shard", "flush_seq") SELECT "shop_id", "refund_id", "sale_id", "product_id", "quantity", "unit_price_minor", "refunded_at", "business_day", "flush_shard", "flush_seq" FROM `refunds`;--> statement-breakpoint
DROP TABLE `refunds`;--> statement-breakpoint
ALTER TABLE `__new_refunds` RENAME TO `refunds`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `refunds_shop_sale` ON `refunds` (`shop_id`,`sale_id`);