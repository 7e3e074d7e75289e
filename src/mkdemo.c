/* mkdemo.c - to be written */
