# Driving the menu UI in a detached tmux session named "ui" on the server
# $TM (set by the test: "tmux -L <name> -f /dev/null").  Sourced by the UI
# tests after tap.sh.
# new_ui ROWS COMMAND: a fresh 80xROWS session "ui" running COMMAND.  A
# second session outlives every UI run: killing the last session stops the
# tmux server, and a new-session racing that exit can lose its server.
new_ui() {
	$TM has-session -t keep 2>/dev/null ||
	    $TM new-session -d -s keep 'exec sleep 3600'
	$TM kill-session -t ui 2>/dev/null
	$TM new-session -d -s ui -x 80 -y "$1" "$2"
}
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
