# Sourced by clients/python/run.sh and clients/schemathesis.sh: makes .contract/venv hold
# clients/python/requirements.txt and puts its bin/ first on PATH. Reinstalls only when the
# requirements file or the Python version changed (a hash in .contract/venv/.requirements).
# PYTHON picks the interpreter (default python3; 3.11 or newer).

_durand_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_durand_venv="$_durand_root/.contract/venv"
_durand_req="$_durand_root/clients/python/requirements.txt"
_durand_python="${PYTHON:-python3}"

"$_durand_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "contract: $_durand_python is older than 3.11; set PYTHON to a newer one" >&2
    return 1
}
_durand_want=$({ "$_durand_python" --version; cat "$_durand_req"; } | sha256sum | cut -d' ' -f1)
if [ ! -x "$_durand_venv/bin/python" ] ||
    [ "$(cat "$_durand_venv/.requirements" 2>/dev/null)" != "$_durand_want" ]; then
    echo "installing clients/python/requirements.txt into .contract/venv"
    "$_durand_python" -m venv "$_durand_venv" &&
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$_durand_venv/bin/pip" install -q --no-input -r "$_durand_req" &&
        echo "$_durand_want" > "$_durand_venv/.requirements" || {
        echo "contract: could not install clients/python/requirements.txt" >&2
        return 1
    }
fi
export PATH="$_durand_venv/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset _durand_root _durand_req _durand_python _durand_want
