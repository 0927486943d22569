CREATE TABLE `d1_capacity` (
	`taken_at` integer PRIMARY KEY NOT NULL,
	`size_bytes` integer NOT NULL,
	`rows` text NOT NULL,
	`sales` integer NOT NULL,
	`warning` integer NOT NULL
);
