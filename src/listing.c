/* listing.c - to be written */
