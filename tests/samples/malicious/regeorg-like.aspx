<%@ Page Language="C#" EnableSessionState="True"%>
<%@ Import Namespace="System.Net" %>
<%@ Import Namespace="System.Net.Sockets" %>
<%
	/* exhume test sample: inert text shaped like a reGeorg tunnel page. */
	string cmd = Request.Headers.Get("X-EXH-CMD");
	if (cmd != null) {
		string[] parts = cmd.Split('|');
		IPAddress ip;
		ip = IPAddress.Parse(parts[0]);
		Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
		byte[] data = Convert.FromBase64String(Request.Headers["X-EXH-DATA"]);
		Response.AddHeader("X-EXH-STATUS", "OK");
	}
%>
