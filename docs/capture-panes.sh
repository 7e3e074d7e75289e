#!/bin/sh
# capture-panes.sh HUBTOP - prints a text capture of every pane of the
# explorer on the built-in demo snapshot (100x30, empty cache), for the README.
set -eu
HUBTOP=${1:?usage: capture-panes.sh path/to/hubtop}
T=$(mktemp -d)
S=hubtop-capture-$$
trap 'tmux -L $S kill-server 2>/dev/null; rm -rf "$T"' EXIT
# A history of demo snapshots, so that the Movers pane has a period.
env HUBTOP_CACHE_DIR="$T/cache" "$HUBTOP" demo --history 6 >/dev/null
tmux -L $S -f /dev/null new-session -d -x 100 -y 30 \
	"env LANG=C.UTF-8 TERM=screen-256color HUBTOP_CACHE_DIR=$T/cache XDG_CONFIG_HOME=$T/cfg $HUBTOP"
# wait_for TEXT: polls the screen (at most 10 s).
wait_for() {
	i=0
	until tmux -L $S capture-pane -p | grep -q -- "$1"; do
		i=$((i + 1)); [ $i -lt 200 ] || { echo "capture: '$1' never showed" >&2; exit 1; }
		sleep 0.05
	done
}
shot() {
	wait_for "$2"
	printf '### %s\n\n```\n' "$1"
	tmux -L $S capture-pane -p | sed 's/[[:space:]]*$//'
	printf '```\n\n'
}
wait_for "DEMO DATA"
shot "Models (1)" "Models 2"
tmux -L $S send-keys 2; shot "Datasets (2)" "Datasets 4"
tmux -L $S send-keys 3; shot "Regions (3)" "Of models"
tmux -L $S send-keys g; shot "Regions by country group (g)" "Rest of"
tmux -L $S send-keys 4; shot "Orgs (4)" "^Account"
tmux -L $S send-keys 5; shot "Trends (5)" "by year of creation"
tmux -L $S send-keys 6; shot "Concentration (6)" "Lorenz"
tmux -L $S send-keys 7; shot "Timeline (7)" "snapshots 20"
tmux -L $S send-keys 9; shot "Bases (9)" "Base model"
tmux -L $S send-keys 1 Enter; shot "Model detail (Enter)" "Hub URL"
tmux -L $S send-keys Escape c; shot "Country picker (c)" "chosen"
tmux -L $S send-keys Escape '?'; shot "Help (?)" "^Keys "
tmux -L $S send-keys Escape 8 w w; shot "Movers (8), since the previous snapshot (w w)" "Downloads (20[0-9-]*\.\."
