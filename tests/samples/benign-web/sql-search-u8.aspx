<%@ Page Language="C#" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
  using (var c = new System.Data.SqlClient.SqlConnection(System.Configuration.ConfigurationManager.ConnectionStrings["db"].ConnectionString)) {
    var cmd = new System.Data.SqlClient.SqlCommand("SELECT Title FROM Posts WHERE Title LIKE @q", c);
    cmd.Parameters.AddWithValue("@q", "%" + Request.QueryString["q"] + "%");
    c.Open(); Results.DataSource = cmd.ExecuteReader(); Results.DataBind();
  }
}
</script>
