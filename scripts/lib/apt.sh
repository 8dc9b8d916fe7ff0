# apt_install PACKAGE...: installs the Debian packages that are missing (as root, or through sudo).
# Sourced by scripts/test and scripts/services. The package lists are refreshed once per run: the first
# call that installs exports ANNOTATOR_APT_UPDATED, which the scripts it starts inherit.
apt_install() {
  local missing=() p
  for p in "$@"; do
    # `dpkg -s` also succeeds for a removed package whose config files remain: ask for "installed".
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Other sessions on this machine may be installing too: wait for dpkg's lock instead of failing.
  local wait_lock=(-o DPkg::Lock::Timeout=300)
  echo "== installing ${missing[*]}"
  if [ -z "${ANNOTATOR_APT_UPDATED:-}" ]; then
    $sudo apt-get "${wait_lock[@]}" update -qq
    export ANNOTATOR_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  APT_INSTALLED=1 # for a caller that reports what installing cost
}
