-- Managers (docs/API.md#managers): the shops a manager sees, and the shops a reports:read key is bound to.
ALTER TABLE `api_keys` ADD `shop_ids` text;--> statement-breakpoint
ALTER TABLE `users` ADD `shop_ids` text;