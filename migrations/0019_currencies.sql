-- Currencies (docs/API.md#currencies): a shop's currency, catalog prices per currency, exchange
-- rates by date, and product_day keyed by currency too (shops in different currencies never add
-- up). What was here before is in RUB, the deployment's CURRENCY until now. Hand-edited after
-- drizzle-kit: WITHOUT ROWID (which drizzle-kit cannot say) and the currency of existing rows.
CREATE TABLE `fx_rates` (
	`date` text NOT NULL,
	`currency` text NOT NULL,
	`base` text NOT NULL,
	`rate` real NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`date`, `currency`)
) WITHOUT ROWID;
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_product_day` (
	`day` text NOT NULL,
	`product_id` integer NOT NULL,
	`currency` text NOT NULL,
	`gross_minor` integer NOT NULL,
	`refunds_minor` integer NOT NULL,
	`items_sold` integer NOT NULL,
	`items_refunded` integer NOT NULL,
	`sales` integer NOT NULL,
	`discounts_minor` integer DEFAULT 0 NOT NULL,
	`tax_minor` integer DEFAULT 0 NOT NULL,
	`refunded_tax_minor` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `product_id`, `currency`),
	CONSTRAINT "product_day_gross_minor_bounded" CHECK(typeof(gross_minor) = 'integer' AND gross_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_refunds_minor_bounded" CHECK(typeof(refunds_minor) = 'integer' AND refunds_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_items_sold_bounded" CHECK(typeof(items_sold) = 'integer' AND items_sold BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_items_refunded_bounded" CHECK(typeof(items_refunded) = 'integer' AND items_refunded BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_sales_bounded" CHECK(typeof(sales) = 'integer' AND sales BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_discounts_minor_bounded" CHECK(typeof(discounts_minor) = 'integer' AND discounts_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_tax_minor_bounded" CHECK(typeof(tax_minor) = 'integer' AND tax_minor BETWEEN 0 AND 999999999999999),
	CONSTRAINT "product_day_refunded_tax_minor_bounded" CHECK(typeof(refunded_tax_minor) = 'integer' AND refunded_tax_minor BETWEEN 0 AND 999999999999999)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_product_day`("day", "product_id", "currency", "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales", "discounts_minor", "tax_minor", "refunded_tax_minor") SELECT "day", "product_id", 'RUB', "gross_minor", "refunds_minor", "items_sold", "items_refunded", "sales", "discounts_minor", "tax_minor", "refunded_tax_minor" FROM `product_day`;--> statement-breakpoint
DROP TABLE `product_day`;--> statement-breakpoint
ALTER TABLE `__new_product_day` RENAME TO `product_day`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `products` ADD `prices` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `shops` ADD `currency` text DEFAULT 'RUB' NOT NULL;