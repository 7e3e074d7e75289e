/* orgdir.c - to be written */
