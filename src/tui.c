/* tui.c - to be written */
