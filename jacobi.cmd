@echo off
rem Starts Jacobi on Windows: with no arguments the desktop app, with a subcommand the command line.
rem Builds the project first when the build is missing.
setlocal
set "HERE=%~dp0"
set "JAR=%HERE%target\jacobi.jar"
if not exist "%JAR%" goto build
if not exist "%HERE%target\lib\.complete" goto build
goto run
:build
echo jacobi: building (first run)... 1>&2
where mvn >nul 2>nul
if %ERRORLEVEL%==0 (set "MVN=mvn") else (set "MVN=%HERE%mvnw.cmd")
if exist "%HERE%target\lib" rmdir /s /q "%HERE%target\lib"
pushd "%HERE%"
call %MVN% -q -B -DskipTests package
if errorlevel 1 (
  popd
  echo jacobi: the build failed; run "mvn -DskipTests package" for details 1>&2
  exit /b 1
)
popd
type nul > "%HERE%target\lib\.complete"
:run
java -Xss8m %JACOBI_JAVA_OPTS% -Djacobi.home="%HERE%." -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "%JAR%;%HERE%target\lib\*" org.jacobi.Launcher %*
