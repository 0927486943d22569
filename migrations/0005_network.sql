CREATE TABLE `companies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`country` text NOT NULL,
	`city` text NOT NULL,
	`street` text NOT NULL,
	`house_number` text NOT NULL,
	`level` integer NOT NULL,
	`supplier_id` integer,
	`debt_minor` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `companies_supplier` ON `companies` (`supplier_id`);--> statement-breakpoint
CREATE INDEX `companies_country_city` ON `companies` (`country`,`city`);--> statement-breakpoint
CREATE INDEX `companies_level` ON `companies` (`level`);--> statement-breakpoint
CREATE TABLE `company_products` (
	`company_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	PRIMARY KEY(`company_id`, `product_id`)
);
--> statement-breakpoint
CREATE INDEX `company_products_product` ON `company_products` (`product_id`);