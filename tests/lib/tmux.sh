# Driving the menu UI in a detached tmux session named "ui" on the server
# $TM (set by the test: "tmux -L <name> -f /dev/null").  Sourced by the UI
# tests after tap.sh.
screen() { $TM capture-pane -t ui -p; }
# The window's text with wrapped lines joined: borders and indentation out.
joined() { screen | tr -d '\n' | sed 's/ *│ *//g'; }
keys() { $TM send-keys -t ui "$@"; }
# wait_for TEXT [SECONDS]: polls the screen until TEXT shows; shows the
# screen in the TAP output when it never does.
wait_for() {
	n=$(( ${2:-60} * 10 ))
	while [ $n -gt 0 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	diag "waited in vain for: $1"
	screen | sed 's/^/# /'
	return 1
}
