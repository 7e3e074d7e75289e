/* The demo snapshot, generated at build time by mkdemo, embedded read-only. */
	.section .rodata
	.global demo_blob
	.global demo_blob_end
	.balign 16
demo_blob:
	.incbin "demo.snap"
demo_blob_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
