CREATE TABLE `rebucket_archived_refunds` (
	`shop_id` integer NOT NULL,
	`refund_id` text NOT NULL,
	`business_day` text NOT NULL,
	`lines` text NOT NULL,
	PRIMARY KEY(`shop_id`, `refund_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `rebucket_archived_sales` (
	`shop_id` integer NOT NULL,
	`sale_id` text NOT NULL,
	`business_day` text NOT NULL,
	`lines` text NOT NULL,
	PRIMARY KEY(`shop_id`, `sale_id`)
) WITHOUT ROWID;
