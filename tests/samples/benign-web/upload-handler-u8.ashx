<%@ WebHandler Language="C#" Class="UploadHandler" %>
using System.Web;
using System.IO;
public class UploadHandler : IHttpHandler {
  public void ProcessRequest(HttpContext c) {
    for (int i = 0; i < c.Request.Files.Count; i++) {
      var f = c.Request.Files[i];
      f.SaveAs(Path.Combine(c.Server.MapPath("~/uploads"), Path.GetFileName(f.FileName)));
    }
    c.Response.Write("{\"ok\":true}");
  }
  public bool IsReusable { get { return true; } }
}
