/* attrib.c - to be written */
