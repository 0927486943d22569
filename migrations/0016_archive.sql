CREATE TABLE `archive_files` (
	`key` text PRIMARY KEY NOT NULL,
	`month` text NOT NULL,
	`kind` text NOT NULL,
	`part` integer NOT NULL,
	`rows` integer NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`net_minor` integer NOT NULL,
	`quantity` integer NOT NULL,
	`first_shop` integer NOT NULL,
	`first_id` text NOT NULL,
	`last_shop` integer NOT NULL,
	`last_id` text NOT NULL,
	`deleted_rows` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `archive_files_month` ON `archive_files` (`month`,`kind`,`part`);--> statement-breakpoint
CREATE TABLE `archive_months` (
	`month` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`phase` text NOT NULL,
	`frozen_at` integer,
	`next_part` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text
);
