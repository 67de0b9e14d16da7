ALTER TABLE item ADD COLUMN colour varchar(20);
ALTR TABLE item ADD COLUMN size varchar(20);
