CREATE TABLE `robot_models` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `robot_models_code_unique` ON `robot_models` (`code`);--> statement-breakpoint
CREATE TABLE `robot_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`serial` text NOT NULL,
	`status` text NOT NULL,
	`robot_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `robot_orders_serial_status` ON `robot_orders` (`serial`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `robots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`serial` text NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`created_at` integer NOT NULL,
	`status` text NOT NULL,
	`order_id` integer
);
--> statement-breakpoint
CREATE INDEX `robots_created` ON `robots` (`created_at`);--> statement-breakpoint
CREATE INDEX `robots_serial_status` ON `robots` (`serial`,`status`);