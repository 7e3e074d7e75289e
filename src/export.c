/* export.c - to be written */
