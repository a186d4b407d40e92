<%@ Application Language="C#" Inherits="Microsoft.Exchange.HttpProxy.Global" %>
<%-- exhume test sample: our own stand-in for a FrontEnd\HttpProxy vdir global.asax. --%>
