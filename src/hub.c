/* hub.c - to be written */
