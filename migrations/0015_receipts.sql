-- Receipts (docs/API.md#receipts): a sale is a receipt of lines, stored as one row with its lines
-- as one JSON column, so a receipt costs one row whatever its number of lines. Every stored
-- one-line sale becomes a receipt of one line at its unit price, without discount or tax; every
-- refund a refund of line 1 returning its unit price × quantity. The rollups gain discounts, tax
-- and refunded tax (0 for the past), so every report answers as before. The tables stay keyed
-- WITHOUT ROWID, which drizzle-kit cannot say: this file is written by hand.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sales` (
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`sold_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`lines` text NOT NULL,
	`discount_minor` integer NOT NULL,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `sale_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_sales`("shop_id", "sale_id", "sold_at", "business_day", "lines", "discount_minor", "flush_shard", "flush_seq")
  SELECT "shop_id", "sale_id", "sold_at", "business_day",
    json_array(json_array("product_id", "quantity", "unit_price_minor", 0, 0, 0)), 0,
    "flush_shard", "flush_seq"
  FROM `sales`;--> statement-breakpoint
DROP TABLE `sales`;--> statement-breakpoint
ALTER TABLE `__new_sales` RENAME TO `sales`;--> statement-breakpoint
CREATE TABLE `__new_refunds` (
	`shop_id` integer NOT NULL,
	`refund_id` text NOT NULL,
	`sale_id` text NOT NULL,
	`refunded_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`lines` text NOT NULL,
	`flush_shard` integer NOT NULL,
	`flush_seq` integer NOT NULL,
	PRIMARY KEY(`shop_id`, `refund_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_refunds`("shop_id", "refund_id", "sale_id", "refunded_at", "business_day", "lines", "flush_shard", "flush_seq")
  SELECT "shop_id", "refund_id", "sale_id", "refunded_at", "business_day",
    json_array(json_array(1, "product_id", "quantity", "quantity" * "unit_price_minor", 0)),
    "flush_shard", "flush_seq"
  FROM `refunds`;--> statement-breakpoint
DROP TABLE `refunds`;--> statement-breakpoint
ALTER TABLE `__new_refunds` RENAME TO `refunds`;--> statement-breakpoint
CREATE INDEX `refunds_shop_sale` ON `refunds` (`shop_id`,`sale_id`);--> statement-breakpoint
CREATE TABLE `__new_sales_dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shard` integer NOT NULL,
	`seq` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`sold_at` integer NOT NULL,
	`business_day` text NOT NULL,
	`lines` text NOT NULL,
	`discount_minor` integer NOT NULL,
	`refund_of` text,
	`error` text NOT NULL,
	`set_aside_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_sales_dead_letters`("id", "shard", "seq", "shop_id", "sale_id", "sold_at", "business_day", "lines", "discount_minor", "refund_of", "error", "set_aside_at")
  SELECT "id", "shard", "seq", "shop_id", "sale_id", "sold_at", "business_day",
    CASE WHEN "refund_of" IS NULL
      THEN json_array(json_array("product_id", "quantity", "unit_price_minor", 0, 0, 0))
      ELSE json_array(json_array(1, "product_id", "quantity", "quantity" * "unit_price_minor", 0)) END,
    0, "refund_of", "error", "set_aside_at"
  FROM `sales_dead_letters`;--> statement-breakpoint
DROP TABLE `sales_dead_letters`;--> statement-breakpoint
ALTER TABLE `__new_sales_dead_letters` RENAME TO `sales_dead_letters`;--> statement-breakpoint
CREATE UNIQUE INDEX `sales_dead_letters_shard_seq` ON `sales_dead_letters` (`shard`,`seq`);--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `shop_day` ADD `discounts_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_day_discounts_minor_bounded" CHECK(typeof(discounts_minor) = 'integer' AND discounts_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `shop_day` ADD `tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_day_tax_minor_bounded" CHECK(typeof(tax_minor) = 'integer' AND tax_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `shop_day` ADD `refunded_tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_day_refunded_tax_minor_bounded" CHECK(typeof(refunded_tax_minor) = 'integer' AND refunded_tax_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `product_day` ADD `discounts_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "product_day_discounts_minor_bounded" CHECK(typeof(discounts_minor) = 'integer' AND discounts_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `product_day` ADD `tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "product_day_tax_minor_bounded" CHECK(typeof(tax_minor) = 'integer' AND tax_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `product_day` ADD `refunded_tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "product_day_refunded_tax_minor_bounded" CHECK(typeof(refunded_tax_minor) = 'integer' AND refunded_tax_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `shop_product_day` ADD `discounts_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_product_day_discounts_minor_bounded" CHECK(typeof(discounts_minor) = 'integer' AND discounts_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `shop_product_day` ADD `tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_product_day_tax_minor_bounded" CHECK(typeof(tax_minor) = 'integer' AND tax_minor BETWEEN 0 AND 999999999999999);--> statement-breakpoint
ALTER TABLE `shop_product_day` ADD `refunded_tax_minor` integer DEFAULT 0 NOT NULL CONSTRAINT "shop_product_day_refunded_tax_minor_bounded" CHECK(typeof(refunded_tax_minor) = 'integer' AND refunded_tax_minor BETWEEN 0 AND 999999999999999);
