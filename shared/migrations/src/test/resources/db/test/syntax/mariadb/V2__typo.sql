-- MariaDB commits the first statement before the second fails: only the rollback removes the column.
ALTER TABLE item ADD COLUMN colour VARCHAR(20);
ALTR TABLE item ADD COLUMN size VARCHAR(20);
