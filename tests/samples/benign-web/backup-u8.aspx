<%@ Page Language="C#" %>
<script runat="server">
// Runs the nightly backup script on demand.
void Run_Click(object s, EventArgs e) {
  var p = System.Diagnostics.Process.Start(Server.MapPath("~/App_Data/backup.cmd"));
  p.WaitForExit(60000);
  Status.Text = "exit " + p.ExitCode;
}
</script>
