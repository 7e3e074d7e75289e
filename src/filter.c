/* filter.c - to be written */
