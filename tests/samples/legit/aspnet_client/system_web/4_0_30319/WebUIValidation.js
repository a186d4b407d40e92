// exhume test sample: our own stand-in for a client-side validation helper
// of the kind ASP.NET once placed under aspnet_client\system_web.
function ValidatorTrim(s) {
	var m = s.match(/^\s*(\S+(\s+\S+)*)\s*$/);
	return (m == null) ? "" : m[1];
}
function ValidatorGetValue(id) {
	var c = document.getElementById(id);
	return (c && typeof (c.value) == "string") ? c.value : "";
}
