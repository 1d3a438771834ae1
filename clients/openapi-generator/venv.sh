# Sourced by clients/java/run.sh and clients/go/run.sh: makes .contract/openapi-generator a venv
# holding clients/openapi-generator/requirements.txt and puts its bin/ (openapi-generator-cli)
# first on PATH. Reinstalls only when the requirements file or the Python version changed (a
# hash in .contract/openapi-generator/.requirements). The Java and Go steps may source this at
# the same time: the install holds a lock. PYTHON picks the interpreter (default python3).

_durand_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_durand_venv="$_durand_root/.contract/openapi-generator"
_durand_req="$_durand_root/clients/openapi-generator/requirements.txt"
_durand_python="${PYTHON:-python3}"

command -v java >/dev/null 2>&1 || {
    echo "contract: openapi-generator needs a Java runtime (Debian: default-jre-headless)" >&2
    return 1
}
mkdir -p "$_durand_root/.contract"
_durand_want=$({ "$_durand_python" --version; cat "$_durand_req"; } | sha256sum | cut -d' ' -f1)
(
    flock 9
    if [ ! -x "$_durand_venv/bin/openapi-generator-cli" ] ||
        [ "$(cat "$_durand_venv/.requirements" 2>/dev/null)" != "$_durand_want" ]; then
        echo "installing clients/openapi-generator/requirements.txt into .contract/openapi-generator"
        rm -rf "$_durand_venv"
        "$_durand_python" -m venv "$_durand_venv" &&
            PIP_DISABLE_PIP_VERSION_CHECK=1 "$_durand_venv/bin/pip" install -q --no-input -r "$_durand_req" &&
            echo "$_durand_want" > "$_durand_venv/.requirements"
    fi
) 9>"$_durand_root/.contract/openapi-generator.lock" || {
    echo "contract: could not install clients/openapi-generator/requirements.txt" >&2
    return 1
}
export PATH="$_durand_venv/bin:$PATH"
# The launcher passes JAVA_OPTS to java as one argument. The generator is a short run: C1 only
# starts it in about half the time.
export JAVA_OPTS="${JAVA_OPTS:--XX:TieredStopAtLevel=1}"
unset _durand_root _durand_venv _durand_req _durand_python _durand_want
