DROP INDEX `sales_flush`;--> statement-breakpoint
ALTER TABLE `sales_flush_log` ADD `first_sale_id` integer;--> statement-breakpoint
ALTER TABLE `sales_flush_log` ADD `last_sale_id` integer;