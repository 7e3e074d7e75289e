/* country.c - to be written */
