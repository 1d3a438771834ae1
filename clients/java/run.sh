#!/usr/bin/env bash
# Contract step: generates a Java client from the spec with openapi-generator
# (`-g java --library native`: java.net.http and Jackson, no other HTTP library) into
# clients/java/generated (never committed), compiles it with plain javac (Maven's registry is not
# reachable), and runs CheckClient.java, which calls every GET operation through it against the
# live server, with and without as_of.
#
# Generator options, each a user's ordinary choice, chosen so that the output needs nothing but
# Jackson and one annotations jar:
#   openApiNullable=false       no jackson-databind-nullable (absent from Debian)
#   annotationLibrary=none      no swagger-annotations
#   useJakartaEe=true           @jakarta.annotation.Generated/Nullable: Debian's
#                               libjakarta-annotation-api-java (JDK 17 has no javax.annotation)
#   hideGenerationTimestamp     output that does not change from run to run
#   useSingleRequestParameter   also a builder per operation (listClaims(request.limit(20)...))
#                               besides the positional form with up to 16 arguments
# Classpath: the native client always registers jackson-datatype-jsr310's JavaTimeModule, which
# Debian 12 does not package, and the jsr310 module from elsewhere does not run on Debian's
# Jackson 2.14 (NoSuchFieldError: READ_DATE_TIMESTAMPS_AS_NANOSECONDS on the first date-time). So
# Jackson (annotations, core, databind, datatype-jsr310) is taken, as one set, from the jar in the
# pinned openapi-generator-cli wheel (the Jackson the generator itself runs on), and
# jakarta.annotation from Debian's /usr/share/java/jakarta-annotation-api.jar.
#
# Needs DURAND_BASE_URL and DURAND_SPEC (scripts/contract sets both), a JDK (javac) and
# Debian's libjakarta-annotation-api-java (.ci/run installs both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${DURAND_BASE_URL:?the live server, e.g. http://127.0.0.1:8080}"
: "${DURAND_SPEC:?the absolute path of openapi/openapi.json}"
jakarta=/usr/share/java/jakarta-annotation-api.jar
command -v javac >/dev/null 2>&1 || { echo "contract: java needs a JDK (Debian: default-jdk-headless)"; exit 1; }
[ -f "$jakarta" ] || { echo "contract: java needs $jakarta (Debian: libjakarta-annotation-api-java)"; exit 1; }
source "$here/../openapi-generator/venv.sh"

gen="$here/generated"
rm -rf "$gen"
mkdir -p "$gen"
if ! openapi-generator-cli generate -g java --library native -i "$DURAND_SPEC" -o "$gen/client" \
    --global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false \
    --additional-properties=openApiNullable=false,annotationLibrary=none,useJakartaEe=true,hideGenerationTimestamp=true,useSingleRequestParameter=true,invokerPackage=org.durand.client,apiPackage=org.durand.client.api,modelPackage=org.durand.client.model \
    >"$gen/generate.log" 2>&1; then
    cat "$gen/generate.log"
    echo "contract: java: openapi-generator FAILED"
    exit 1
fi
# A new warning fails the step, after the program has run.
new_warnings=0
bash "$here/../openapi-generator/warnings.sh" java "$gen/generate.log" || new_warnings=1

# Jackson out of the generator's jar (see above).
jar=$(python -c 'import openapi_generator_cli, pathlib; print(pathlib.Path(openapi_generator_cli.__file__).with_name("openapi-generator.jar"))')
python - "$jar" "$gen/jackson" <<'PY'
import sys, zipfile
prefixes = ("com/fasterxml/jackson/annotation/", "com/fasterxml/jackson/core/",
            "com/fasterxml/jackson/databind/", "com/fasterxml/jackson/datatype/jsr310/")
with zipfile.ZipFile(sys.argv[1]) as jar:
    jar.extractall(sys.argv[2], [n for n in jar.namelist() if n.startswith(prefixes)])
PY
cp="$gen/jackson:$jakarta"

sources=$(find "$gen/client/src/main/java" -name '*.java' | wc -l)
find "$gen/client/src/main/java" -name '*.java' > "$gen/sources.txt"
echo "$here/CheckClient.java" >> "$gen/sources.txt"
# C1 only (-XX:TieredStopAtLevel=1): javac is a short run; this takes it from 11 s to 4 s of CPU.
if ! javac -J-XX:TieredStopAtLevel=1 -nowarn -encoding UTF-8 -d "$gen/classes" -cp "$cp" @"$gen/sources.txt" >"$gen/javac.log" 2>&1; then
    head -c 4000 "$gen/javac.log"
    echo "contract: java: the generated client (or CheckClient.java) does not compile"
    exit 1
fi
echo "contract: java client generated and compiled: $sources source files, javac $(javac -version 2>&1 | cut -d' ' -f2)"

java -XX:TieredStopAtLevel=1 -cp "$gen/classes:$cp" CheckClient "$DURAND_BASE_URL" "$DURAND_SPEC" || exit 1
[ "$new_warnings" -eq 0 ] || { echo "contract: java: openapi-generator logged a new warning (above)"; exit 1; }
