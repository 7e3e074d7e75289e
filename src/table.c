/* table.c - to be written */
