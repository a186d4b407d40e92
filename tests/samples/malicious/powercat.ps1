# exhume test sample: inert text shaped like powercat.ps1 (function header and socket types only)
function powercat
{
  param([alias("Client")][string]$c="", [alias("Listen")][switch]$l=$False, [alias("Port")][string]$p="")
  # the real script builds a System.Net.Sockets.TcpClient or System.Net.Sockets.TcpListener here
  Write-Verbose "exhume sample: nothing is connected"
}
