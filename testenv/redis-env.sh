#!/usr/bin/env bash
# Real Redis servers for the integration tests, all on 127.0.0.1:
# standalone (plain, ACL, three TLS variants), a primary with a replica, two
# Sentinel sets (primary, replica, three sentinels; one plain, one TLS only
# with client certificates everywhere) and three 6-node clusters (plain, TLS,
# and a small-timeout one for the destructive failover test).
#
# Usage: redis-env.sh start|stop|env
#   start  (re)start everything from a clean state and write $STATE/env.sh
#   stop   stop every server started from the state dir, nothing else
#   env    print env.sh (the RC_TEST_* exports)
#
#   RC_TESTENV_DIR     state dir (default: <repo>/testenv/.run)
#   RC_TEST_PORT_BASE  first port (default: 21000); uses base+0..base+42 and,
#                      for cluster buses, base+10010..base+10035.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR

BASE=${RC_TEST_PORT_BASE:-21000}
readonly ACL_USER=rcuser
# URL-special characters on purpose: clients must escape it in redis:// URLs.
readonly ACL_PASSWORD='s3cr:et@p%ss/w0rd'
readonly NOCMD_USER=rcnocmd
readonly NOCMD_PASSWORD=nocmd-pass
readonly CLUSTER_NODE_TIMEOUT_MS=2000
readonly FAILOVER_NODE_TIMEOUT_MS=1000
# The Sentinel set's service: django-redis's LOCATION redis://rcprimary/0.
readonly SENTINEL_SERVICE=rcprimary
# Another name on the TLS set: django-redis keeps one pool per LOCATION URL
# for the whole process, so one name on both would share a pool.
readonly TLS_SENTINEL_SERVICE=rctlsprimary
readonly SENTINEL_DOWN_AFTER_MS=1000
readonly WAIT_SECS=60
readonly STOP_GRACE_SECS=5
# The bus port is fixed by Redis at port+10000, and the kernel's ephemeral
# range starts at 32768: a bus port in it can be grabbed by any outgoing
# connection, so every port must stay below this.
readonly PORT_LIMIT=32768

# A stray REDISCLI_AUTH would make our readiness probes authenticate as someone else.
unset REDISCLI_AUTH

log() { printf 'redis-env: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# --- state dir and server table ---------------------------------------------

init_state() {
	local create=$1 dir=${RC_TESTENV_DIR:-$SCRIPT_DIR/.run}
	if [[ $create == create ]]; then
		mkdir -p "$dir"
	elif [[ ! -d $dir ]]; then
		STATE=
		return 0
	fi
	# Redis chdirs into its own dir, so every path it gets must be absolute;
	# -P because stop compares against /proc/PID/cwd, which is resolved.
	STATE=$(cd "$dir" && pwd -P)
	CERTS=$STATE/certs
	LOGS=$STATE/logs
	NODES=$STATE/nodes
	ENV_FILE=$STATE/env.sh
	TLS_CLI=(--tls --cert "$CERTS/client.crt" --key "$CERTS/client.key" --cacert "$CERTS/ca.crt")
}

define_servers() {
	[[ $BASE =~ ^[0-9]+$ ]] || die "RC_TEST_PORT_BASE must be a number, got '$BASE'"
	if ((BASE < 1024 || BASE + 35 + 10000 >= PORT_LIMIT)); then
		die "RC_TEST_PORT_BASE=$BASE: ports $BASE..$((BASE + 42)) and cluster bus ports" \
			"$((BASE + 10010))..$((BASE + 10035)) must lie in 1024..$((PORT_LIMIT - 1))" \
			"(at or above $PORT_LIMIT the kernel hands them out to outgoing connections)"
	fi
	NAMES=(standalone acl tls tls-wronghost tls-expired pair-primary pair-replica
		sentinel-primary sentinel-replica sentinel sentinel sentinel
		tls-sentinel-primary tls-sentinel-replica tls-sentinel tls-sentinel tls-sentinel)
	PORTS=("$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)) $((BASE + 4)) $((BASE + 5)) $((BASE + 6))
		$((BASE + 7)) $((BASE + 8)) $((BASE + 40)) $((BASE + 41)) $((BASE + 42))
		$((BASE + 16)) $((BASE + 17)) $((BASE + 36)) $((BASE + 37)) $((BASE + 38)))
	local i
	for i in 0 1 2 3 4 5; do
		NAMES+=(cluster tls-cluster failover-cluster)
		PORTS+=($((BASE + 10 + i)) $((BASE + 20 + i)) $((BASE + 30 + i)))
	done
}

cluster_ports() {
	local first=$1 i
	for i in 0 1 2 3 4 5; do printf '%s\n' $((first + i)); done
}

cluster_addrs() {
	local first=$1 i out=
	for i in 0 1 2 3 4 5; do out+=${out:+,}127.0.0.1:$((first + i)); done
	printf '%s' "$out"
}

node_dir() { printf '%s/%s-%s' "$NODES" "$1" "$2"; }
log_file() { printf '%s/%s-%s.log' "$LOGS" "$1" "$2"; }
unix_socket() { printf '%s/standalone.sock' "$NODES"; }

# redis-cli against one of our servers, with whatever credentials it needs.
# The timeout keeps a wedged TLS handshake from eating the whole wait budget.
cli() {
	local name=$1 port=$2
	shift 2
	local -a args=(-h 127.0.0.1 -p "$port")
	case $name in
	# redis-cli verifies the chain, and this certificate is expired on purpose.
	tls-expired) args+=("${TLS_CLI[@]}" --insecure) ;;
	tls*) args+=("${TLS_CLI[@]}") ;;
	acl) args+=(--user "$ACL_USER" --pass "$ACL_PASSWORD" --no-auth-warning) ;;
	esac
	timeout 10 redis-cli "${args[@]}" "$@"
}

# --- installation -------------------------------------------------------------

ensure_tools() {
	local -a missing=() sudo=()
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v redis-cli >/dev/null || missing+=(redis-tools)
	command -v openssl >/dev/null || missing+=(openssl)
	((${#missing[@]} == 0)) && return 0
	((EUID == 0)) || sudo=(sudo)
	log "installing ${missing[*]} with apt-get (CI starts from a bare machine)"
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
		die "redis-server/redis-cli still missing after apt-get install"
	fi
}

# --- certificates -------------------------------------------------------------

ossl() {
	openssl "$@" >>"$CERTS/openssl.log" 2>&1 || {
		tail -n 20 "$CERTS/openssl.log" >&2
		die "openssl $1 failed (full output in $CERTS/openssl.log)"
	}
}

new_key() {
	ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CERTS/$1.key"
}

new_csr() {
	new_key "$1"
	ossl req -config "$CERTS/openssl.cnf" -new -key "$CERTS/$1.key" -subj "$2" -out "$CERTS/$1.csr"
}

# name subject ext-section issuer
sign_cert() {
	new_csr "$1" "$2"
	ossl x509 -req -in "$CERTS/$1.csr" -CA "$CERTS/$4.crt" -CAkey "$CERTS/$4.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
		-extfile "$CERTS/openssl.cnf" -extensions "$3" -out "$CERTS/$1.crt"
}

# OpenSSL 3.0's `x509 -req` cannot back-date, `openssl ca` can.
# name subject ext-section
sign_expired_cert() {
	new_csr "$1" "$2"
	ossl ca -batch -config "$CERTS/openssl.cnf" -name test_ca -notext \
		-startdate 20200101000000Z -enddate 20210101000000Z \
		-extensions "$3" -in "$CERTS/$1.csr" -out "$CERTS/$1.crt"
}

self_signed_ca() {
	new_key "$1"
	ossl req -config "$CERTS/openssl.cnf" -new -x509 -key "$CERTS/$1.key" -subj "$2" \
		-sha256 -days 3650 -extensions v3_ca -out "$CERTS/$1.crt"
}

write_openssl_cnf() {
	cat >"$CERTS/openssl.cnf" <<EOF
# Generated by redis-env.sh: extension profiles plus the minimal CA that
# \`openssl ca\` needs to issue back-dated (expired) certificates.
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder

[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# clientAuth too: cluster nodes present this certificate on bus and
# replication links.
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wronghost_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $CERTS/ca-db
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = $CERTS/ca.crt
private_key = $CERTS/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
EOF
}

# Generated once per state dir; .complete marks a full set, so an
# interrupted run is regenerated instead of half-reused.
make_certs() {
	[[ -f $CERTS/.complete ]] && return 0
	log "generating certificates in $CERTS"
	rm -rf "$CERTS"
	mkdir -p "$CERTS/ca-db/newcerts"
	: >"$CERTS/ca-db/index.txt"
	openssl rand -hex 16 >"$CERTS/ca-db/serial"
	write_openssl_cnf

	self_signed_ca ca "/CN=redisclient test CA"
	self_signed_ca ca2 "/CN=redisclient unrelated CA"
	sign_cert server "/CN=localhost" server_ext ca
	sign_cert client "/CN=rcclient" client_ext ca
	sign_cert client-wrongca "/CN=rcclient-wrongca" client_ext ca2
	sign_cert server-wronghost "/CN=wrong.example" wronghost_ext ca
	sign_expired_cert server-expired "/CN=localhost" server_ext
	sign_expired_cert client-expired "/CN=rcclient-expired" client_ext

	rm -f "$CERTS"/*.csr
	# Throwaway keys; readable so tests running as another user can load them.
	chmod 0644 "$CERTS"/*.key "$CERTS"/*.crt
	ossl verify -CAfile "$CERTS/ca.crt" "$CERTS/server.crt" "$CERTS/client.crt" "$CERTS/server-wronghost.crt"
	ossl verify -CAfile "$CERTS/ca2.crt" "$CERTS/client-wrongca.crt"
	touch "$CERTS/.complete"
}

# --- ports --------------------------------------------------------------------

# Every local TCP port in use, from /proc so that no ss/netstat is needed.
# Outgoing connections count too: one holding a bus port killed a node once.
# TIME_WAIT is skipped: Redis binds with SO_REUSEADDR, and a restart leaves
# plenty of those behind on our own ports.
busy_ports() {
	local f sl laddr st rest
	for f in /proc/net/tcp /proc/net/tcp6; do
		[[ -r $f ]] || continue
		while read -r sl laddr _ st rest; do
			[[ $sl == sl || $st == 06 ]] && continue
			printf '%d\n' "$((16#${laddr##*:}))"
		done <"$f"
	done
}

check_ports() {
	local -A busy=()
	local p i name port problems=()
	while read -r p; do busy[$p]=1; done < <(busy_ports)
	for i in "${!NAMES[@]}"; do
		name=${NAMES[i]} port=${PORTS[i]}
		[[ -n ${busy[$port]:-} ]] &&
			problems+=("port $port is already in use (meant for $name server 127.0.0.1:$port)")
		if [[ $name == *cluster ]] && [[ -n ${busy[$((port + 10000))]:-} ]]; then
			problems+=("port $((port + 10000)) is already in use (meant for the cluster bus of $name node 127.0.0.1:$port)")
		fi
	done
	((${#problems[@]} == 0)) && return 0
	for p in "${problems[@]}"; do log "error: $p"; done
	if command -v ss >/dev/null; then
		log "current holders (ss -tanp):"
		for p in "${problems[@]}"; do
			p=${p#port }
			ss -Htanp exclude time-wait "( sport = :${p%% *} )" >&2 || true
		done
	fi
	die "pick other ports with RC_TEST_PORT_BASE (currently $BASE) or stop whatever holds them"
}

# --- servers ------------------------------------------------------------------

# The TLS server settings: no plaintext port, client certificates required.
# A TLS sentinel or replica presents the server certificate (it has
# clientAuth too) when it connects to the others.
tls_conf() {
	local port=$1 cert=$2
	cat <<EOF
port 0
tls-port $port
tls-cert-file "$CERTS/$cert.crt"
tls-key-file "$CERTS/$cert.key"
tls-ca-cert-file "$CERTS/ca.crt"
tls-auth-clients yes
EOF
}

# A sentinel rewrites its config file with what it learns, so each one has
# a file of its own, started with --sentinel. tls-replication makes a TLS
# sentinel talk TLS to the servers and the other sentinels, and announce its
# tls-port.
write_sentinel_conf() {
	local name=$1 port=$2 dir master=$((BASE + 7)) service=$SENTINEL_SERVICE
	dir=$(node_dir "$name" "$port")
	mkdir -p "$dir"
	{
		cat <<EOF
bind 127.0.0.1
protected-mode no
daemonize yes
pidfile "$dir/redis.pid"
logfile "$(log_file "$name" "$port")"
dir "$dir"
EOF
		if [[ $name == tls-sentinel ]]; then
			master=$((BASE + 16)) service=$TLS_SENTINEL_SERVICE
			tls_conf "$port" server
			echo "tls-replication yes"
		else
			echo "port $port"
		fi
		cat <<EOF
sentinel monitor $service 127.0.0.1 $master 2
sentinel down-after-milliseconds $service $SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $service 10000
sentinel parallel-syncs $service 1
EOF
	} >"$dir/redis.conf"
}

write_conf() {
	local name=$1 port=$2 dir
	if [[ $name == sentinel || $name == tls-sentinel ]]; then
		write_sentinel_conf "$name" "$port"
		return
	fi
	dir=$(node_dir "$name" "$port")
	mkdir -p "$dir"
	{
		cat <<EOF
bind 127.0.0.1
protected-mode no
daemonize yes
pidfile "$dir/redis.pid"
logfile "$(log_file "$name" "$port")"
dir "$dir"
save ""
appendonly no
enable-debug-command yes
# The default 5 s delay only waits for more replicas to batch; we have one.
repl-diskless-sync-delay 0
EOF
		if [[ $name == tls* ]]; then
			local cert=server
			[[ $name == tls-wronghost ]] && cert=server-wronghost
			[[ $name == tls-expired ]] && cert=server-expired
			tls_conf "$port" "$cert"
		else
			echo "port $port"
		fi
		case $name in
		standalone)
			# Also on a unix socket, for unix:// LOCATIONs.
			printf 'unixsocket "%s"\nunixsocketperm 700\n' "$(unix_socket)"
			;;
		acl)
			echo "user default off"
			echo "user $ACL_USER on >$ACL_PASSWORD ~* &* +@all"
			;;
		pair-replica) echo "replicaof 127.0.0.1 $((BASE + 5))" ;;
		sentinel-replica) echo "replicaof 127.0.0.1 $((BASE + 7))" ;;
		# Either may be the primary after a failover: both speak TLS to the other.
		tls-sentinel-primary) echo "tls-replication yes" ;;
		tls-sentinel-replica) printf 'tls-replication yes\nreplicaof 127.0.0.1 %s\n' $((BASE + 16)) ;;
		*cluster)
			local timeout=$CLUSTER_NODE_TIMEOUT_MS
			[[ $name == failover-cluster ]] && timeout=$FAILOVER_NODE_TIMEOUT_MS
			cat <<EOF
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $timeout
cluster-require-full-coverage yes
# default stays on without a password: cluster create and most tests use it.
user $NOCMD_USER on >$NOCMD_PASSWORD ~* &* +@all -command
EOF
			if [[ $name == tls-cluster ]]; then
				printf 'tls-cluster yes\ntls-replication yes\n'
			fi
			;;
		esac
	} >"$dir/redis.conf"
}

fail_server() {
	local name=$1 port=$2 why=$3 lf
	lf=$(log_file "$name" "$port")
	log "error: $name server 127.0.0.1:$port $why; last lines of $lf:"
	tail -n 25 "$lf" >&2 2>/dev/null || log "(no log written)"
	exit 1
}

# The daemon's pid is only in the pidfile once it is listening, so read it
# from its first log line to notice early deaths (bind errors, bad TLS files).
wait_ready() {
	local name=$1 port=$2 deadline=$((SECONDS + WAIT_SECS)) lf pid
	lf=$(log_file "$name" "$port")
	until [[ $(cli "$name" "$port" ping 2>/dev/null) == PONG ]]; do
		pid=$(grep -m1 'Redis is starting' "$lf" 2>/dev/null | cut -d: -f1) || true
		if [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; then
			fail_server "$name" "$port" "exited during startup"
		fi
		((SECONDS < deadline)) || fail_server "$name" "$port" "did not answer PING within ${WAIT_SECS}s"
		sleep 0.1
	done
}

create_cluster() {
	local name=$1 first=$2
	local out=$LOGS/$name-create.log
	local -a tls=() addrs=()
	[[ $name == tls-cluster ]] && tls=("${TLS_CLI[@]}")
	mapfile -t addrs < <(cluster_ports "$first" | sed 's/^/127.0.0.1:/')
	timeout "$WAIT_SECS" redis-cli "${tls[@]}" --cluster create "${addrs[@]}" \
		--cluster-replicas 1 --cluster-yes >"$out" 2>&1
}

# Prints the first reason the cluster is not usable yet; exit 0 only when
# every node is ok, all 6 are known, 3 replicas have their link up, and
# `--cluster check` agrees (create returns long before all of that).
cluster_problem() {
	local name=$1 first=$2 port info repl replicas=0 check
	for port in $(cluster_ports "$first"); do
		info=$(cli "$name" "$port" cluster info 2>&1 | tr -d '\r') || {
			echo "127.0.0.1:$port: CLUSTER INFO failed: $info"
			return 1
		}
		grep -qx 'cluster_state:ok' <<<"$info" || {
			echo "127.0.0.1:$port: $(grep '^cluster_state:' <<<"$info")"
			return 1
		}
		grep -qx 'cluster_known_nodes:6' <<<"$info" || {
			echo "127.0.0.1:$port: $(grep '^cluster_known_nodes:' <<<"$info")"
			return 1
		}
		repl=$(cli "$name" "$port" info replication 2>&1 | tr -d '\r') || {
			echo "127.0.0.1:$port: INFO replication failed: $repl"
			return 1
		}
		if grep -qx 'role:slave' <<<"$repl"; then
			replicas=$((replicas + 1))
			grep -qx 'master_link_status:up' <<<"$repl" || {
				echo "127.0.0.1:$port: replica $(grep '^master_link_status:' <<<"$repl")"
				return 1
			}
		fi
	done
	((replicas == 3)) || {
		echo "$replicas replicas instead of 3"
		return 1
	}
	check=$(cli "$name" "$first" --cluster check "127.0.0.1:$first" 2>&1) || {
		echo "redis-cli --cluster check failed: $(grep -E '^\[ERR\]|^\[WARNING\]' <<<"$check" | head -n 3)"
		return 1
	}
}

# Prints why a replica is not in sync yet; exit 0 once its link is up.
replica_problem() {
	local name=$1 port=$2 repl
	repl=$(cli "$name" "$port" info replication 2>&1 | tr -d '\r') || {
		echo "127.0.0.1:$port: INFO replication failed: $repl"
		return 1
	}
	grep -qx 'master_link_status:up' <<<"$repl" || {
		echo "127.0.0.1:$port: $(grep -E '^(role|master_link_status):' <<<"$repl" | tr '\n' ' ')"
		return 1
	}
}

# Prints why a sentinel cannot fail over yet; exit 0 once it knows the
# replica and both other sentinels (a failover needs a majority of them).
sentinel_problem() {
	local name=$1 port=$2 master service=$SENTINEL_SERVICE
	[[ $name == tls-sentinel ]] && service=$TLS_SENTINEL_SERVICE
	master=$(cli "$name" "$port" sentinel master "$service" 2>&1 | tr -d '\r') || {
		echo "sentinel 127.0.0.1:$port: $master"
		return 1
	}
	grep -A1 -x 'num-slaves' <<<"$master" | tail -n 1 | grep -qx 1 || {
		echo "sentinel 127.0.0.1:$port does not know the replica yet"
		return 1
	}
	grep -A1 -x 'num-other-sentinels' <<<"$master" | tail -n 1 | grep -qx 2 || {
		echo "sentinel 127.0.0.1:$port does not know the other sentinels yet"
		return 1
	}
}

# what cmd...: waits until cmd exits 0, dying with its last words after
# WAIT_SECS.
wait_until() {
	local what=$1 deadline=$((SECONDS + WAIT_SECS)) why
	shift
	until why=$("$@"); do
		((SECONDS < deadline)) || die "$what not ready after ${WAIT_SECS}s: $why"
		sleep 0.2
	done
}

wait_cluster() {
	local name=$1 first=$2 deadline=$((SECONDS + WAIT_SECS)) why port
	until why=$(cluster_problem "$name" "$first"); do
		if ((SECONDS >= deadline)); then
			log "error: $name ($(cluster_addrs "$first")) not ready after ${WAIT_SECS}s: $why"
			for port in $(cluster_ports "$first"); do
				log "--- last lines of $(log_file "$name" "$port")"
				tail -n 8 "$(log_file "$name" "$port")" >&2 || true
			done
			exit 1
		fi
		sleep 0.2
	done
}

# --- stop -----------------------------------------------------------------------

# A pid is ours only if it is a redis-server whose cwd is a node dir of this
# state dir (Redis chdirs into `dir`); pidfiles can be stale and pids reused.
is_ours() {
	local pid=$1 cwd comm
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	# Debian's redis-server links to redis-check-rdb: a server started by that
	# path shows its name.
	[[ $comm == redis-server || $comm == redis-check-rdb ]] || return 1
	cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
	[[ $cwd == "$NODES"/* ]]
}

our_pids() {
	local f pid p
	local -A seen=()
	for f in "$NODES"/*/redis.pid; do
		[[ -f $f ]] || continue
		read -r pid <"$f" || continue
		[[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" && seen[$pid]=1
	done
	# Also catch servers whose pidfile is gone (crashed start, deleted file).
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[[ -z ${seen[$pid]:-} ]] && is_ours "$pid" && seen[$pid]=1
	done
	printf '%s\n' "${!seen[@]}"
}

stop_servers() {
	[[ -n $STATE && -d $NODES ]] || return 0
	rm -f "$ENV_FILE"
	local -a pids alive
	local pid deadline
	mapfile -t pids < <(our_pids | grep .)
	((${#pids[@]})) || return 0
	log "stopping ${#pids[@]} redis-server processes from $STATE"
	kill -TERM "${pids[@]}" 2>/dev/null || true
	deadline=$((SECONDS + STOP_GRACE_SECS))
	while :; do
		alive=()
		for pid in "${pids[@]}"; do is_ours "$pid" && alive+=("$pid"); done
		((${#alive[@]})) || return 0
		((SECONDS < deadline)) || break
		sleep 0.1
	done
	log "SIGKILL for ${#alive[@]} that ignored SIGTERM: ${alive[*]}"
	kill -KILL "${alive[@]}" 2>/dev/null || true
	deadline=$((SECONDS + 5))
	for pid in "${alive[@]}"; do
		while is_ours "$pid"; do
			((SECONDS < deadline)) || die "pid $pid survived SIGKILL"
			sleep 0.1
		done
	done
}

# --- env.sh ---------------------------------------------------------------------

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
export_line() { printf 'export %s=%s\n' "$1" "$(shq "$2")"; }

write_env() {
	{
		echo "# Written by testenv/redis-env.sh start; removed by stop."
		export_line RC_TEST_STANDALONE "127.0.0.1:$BASE"
		export_line RC_TEST_UNIX "$(unix_socket)"
		export_line RC_TEST_ACL "127.0.0.1:$((BASE + 1))"
		export_line RC_TEST_ACL_USER "$ACL_USER"
		export_line RC_TEST_ACL_PASSWORD "$ACL_PASSWORD"
		export_line RC_TEST_TLS "127.0.0.1:$((BASE + 2))"
		export_line RC_TEST_TLS_WRONGHOST "127.0.0.1:$((BASE + 3))"
		export_line RC_TEST_TLS_EXPIRED "127.0.0.1:$((BASE + 4))"
		export_line RC_TEST_PAIR_PRIMARY "127.0.0.1:$((BASE + 5))"
		export_line RC_TEST_PAIR_REPLICA "127.0.0.1:$((BASE + 6))"
		export_line RC_TEST_SENTINELS "127.0.0.1:$((BASE + 40)),127.0.0.1:$((BASE + 41)),127.0.0.1:$((BASE + 42))"
		export_line RC_TEST_SENTINEL_SERVICE "$SENTINEL_SERVICE"
		export_line RC_TEST_SENTINEL_PRIMARY "127.0.0.1:$((BASE + 7))"
		export_line RC_TEST_SENTINEL_REPLICA "127.0.0.1:$((BASE + 8))"
		export_line RC_TEST_SENTINEL_DOWN_AFTER_MS "$SENTINEL_DOWN_AFTER_MS"
		export_line RC_TEST_TLS_SENTINEL_SERVICE "$TLS_SENTINEL_SERVICE"
		export_line RC_TEST_TLS_SENTINELS "127.0.0.1:$((BASE + 36)),127.0.0.1:$((BASE + 37)),127.0.0.1:$((BASE + 38))"
		export_line RC_TEST_TLS_SENTINEL_PRIMARY "127.0.0.1:$((BASE + 16))"
		export_line RC_TEST_TLS_SENTINEL_REPLICA "127.0.0.1:$((BASE + 17))"
		export_line RC_TEST_CLUSTER "$(cluster_addrs $((BASE + 10)))"
		export_line RC_TEST_CLUSTER_ACL_USER "$NOCMD_USER"
		export_line RC_TEST_CLUSTER_ACL_PASSWORD "$NOCMD_PASSWORD"
		export_line RC_TEST_TLS_CLUSTER "$(cluster_addrs $((BASE + 20)))"
		export_line RC_TEST_FAILOVER_CLUSTER "$(cluster_addrs $((BASE + 30)))"
		export_line RC_TEST_FAILOVER_NODE_TIMEOUT_MS "$FAILOVER_NODE_TIMEOUT_MS"
		export_line RC_TEST_LOGS "$LOGS"
		export_line RC_TEST_CERTS "$CERTS"
	} >"$ENV_FILE.tmp"
	mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# --- commands -------------------------------------------------------------------

start_failed() {
	local rc=$1
	((rc == 0)) && return 0
	log "start failed; stopping what was started (logs kept in $LOGS)"
	stop_servers || true
}

cmd_start() {
	local started=$SECONDS i first name pid port
	local -a mode
	define_servers
	init_state create
	ensure_tools
	# Clusters refuse to be created from nodes that remember an old cluster,
	# so a second start always means: stop, wipe node dirs, start afresh.
	stop_servers
	check_ports
	make_certs
	rm -rf "$NODES" "$LOGS"
	mkdir -p "$NODES" "$LOGS"
	trap 'start_failed $?' EXIT

	for i in "${!NAMES[@]}"; do
		write_conf "${NAMES[i]}" "${PORTS[i]}"
		mode=()
		[[ ${NAMES[i]} == *sentinel ]] && mode=(--sentinel)
		redis-server "$(node_dir "${NAMES[i]}" "${PORTS[i]}")/redis.conf" "${mode[@]}" ||
			fail_server "${NAMES[i]}" "${PORTS[i]}" "failed to start"
	done
	for i in "${!NAMES[@]}"; do wait_ready "${NAMES[i]}" "${PORTS[i]}"; done

	# The three creations each spend seconds waiting for gossip; overlap them.
	local -A creators=()
	for name in cluster tls-cluster failover-cluster; do
		case $name in
		cluster) first=$((BASE + 10)) ;;
		tls-cluster) first=$((BASE + 20)) ;;
		failover-cluster) first=$((BASE + 30)) ;;
		esac
		create_cluster "$name" "$first" &
		creators[$name]=$!
	done
	for name in cluster tls-cluster failover-cluster; do
		pid=${creators[$name]}
		wait "$pid" || {
			log "error: redis-cli --cluster create failed for $name; its output:"
			tail -n 30 "$LOGS/$name-create.log" >&2
			exit 1
		}
	done
	wait_cluster cluster $((BASE + 10))
	wait_cluster tls-cluster $((BASE + 20))
	wait_cluster failover-cluster $((BASE + 30))
	wait_until "replica 127.0.0.1:$((BASE + 6))" replica_problem pair-replica $((BASE + 6))
	wait_until "replica 127.0.0.1:$((BASE + 8))" replica_problem sentinel-replica $((BASE + 8))
	wait_until "replica 127.0.0.1:$((BASE + 17))" replica_problem tls-sentinel-replica $((BASE + 17))
	for port in $((BASE + 40)) $((BASE + 41)) $((BASE + 42)); do
		wait_until "sentinel 127.0.0.1:$port" sentinel_problem sentinel "$port"
	done
	for port in $((BASE + 36)) $((BASE + 37)) $((BASE + 38)); do
		wait_until "TLS sentinel 127.0.0.1:$port" sentinel_problem tls-sentinel "$port"
	done

	write_env
	trap - EXIT
	log "ready in $((SECONDS - started))s; source $ENV_FILE"
}

cmd_stop() {
	init_state nocreate
	stop_servers
}

cmd_env() {
	init_state nocreate
	[[ -n $STATE && -f $ENV_FILE ]] || die "no env.sh: run '$0 start' first"
	cat "$ENV_FILE"
}

main() {
	case ${1:-} in
	start) cmd_start ;;
	stop) cmd_stop ;;
	env) cmd_env ;;
	*)
		echo "usage: $0 start|stop|env" >&2
		exit 2
		;;
	esac
}

main "$@"
