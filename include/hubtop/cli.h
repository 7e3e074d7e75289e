/* cli.h - the command line: global options, subcommands, their --help.
 * Every subcommand is a thin face over session + engine. */
#ifndef HUBTOP_CLI_H
#define HUBTOP_CLI_H

int cli_main(int argc, char **argv);

#endif
