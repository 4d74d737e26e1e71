#!/usr/bin/env bash
# Whole-run benchmark against the peers a user would otherwise run, on the same RCV1-shaped data in one
# run (text that no one has converted yet), printing the ratios:
#   - per core: one hogwild worker process's samples/s against scikit-learn's SGDClassifier(hinge, alpha=1e-6),
#     R rounds of the two alternating (scikit-learn loads the text once; each run in a process of its own), each round's ratio and the median;
#     and the time to scikit-learn's accuracy: scikit-learn's fit time against hogwild's training time (its epochs' own
#     seconds) up to the first epoch whose test accuracy reaches what scikit-learn's fit reached
#   - end to end: hogwild from LIBSVM text to test accuracy (conversion and JVM start-up included) against
#     liblinear-train -s 2 -c 1 (exact dual solver) + liblinear-predict
#   - parse speed of the converter (MB/s of text)
# Peers that are not installed are skipped with the reason (Debian: python3-sklearn, liblinear-tools).
# Every side minimises the same objective: hogwild's --lambda is the L2 strength on the per-sample mean
# loss, scikit-learn's alpha is the same quantity, and liblinear's C = 1 is lambda = 1 / (C n) ~ 1.4e-6 here.
# Both hogwild runs train E epochs (5: enough to pass liblinear's accuracy on this data), as scikit-learn
# does; the end-to-end one with early stopping as by default.
#   [JAVA_HOME=JDK] bench/peers.sh [--rows N] [--epochs E] [--procs P] [--lambda L] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=781265; test_rows=23149; epochs=5; procs=2; lambda=1e-6; rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --procs) procs=$2; shift 2 ;;
    --lambda) lambda=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/hogwild-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
./run.sh --version >/dev/null   # builds the jars once, outside the timings (edit no source while this runs)

echo "data: $rows x 47,236 RCV1-shaped rows (~76 non-zeros), $test_rows test rows; this machine: $(nproc) cores"
echo "hogwild's Java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | sed -n 1p) (run.sh takes \$JAVA_HOME, else java on the PATH)"
./run.sh generate --rows "$rows" --test-rows "$test_rows" --seed 2011 -o "$work/rcv1" >/dev/null
size=$(stat -c %s "$work/rcv1.train.libsvm")
printf 'train text: %s bytes\n' "$size"
seconds() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
number() { sed -n "s/.*\"$1\": \\([-0-9.eE]*\\).*/\\1/p" "$2" | sed -n 1p; }

# --- hogwild end to end: fresh cache, so the conversion is timed too ---------------------------------
export HOGWILD_CACHE="$work/cache"
start=$(seconds)
./run.sh -q --data "$work/rcv1.train.libsvm" --test "$work/rcv1.test.libsvm" --procs "$procs" --lambda "$lambda" \
  --epochs "$epochs" --out "$work/e2e" >/dev/null
hog_wall=$(echo "$(seconds) - $start" | bc -l)
hog_acc=$(number test_accuracy "$work/e2e/summary.json")
hog_rate=$(number samples_per_second "$work/e2e/summary.json")
# --- converter alone ---------------------------------------------------------------------------------
start=$(seconds)
./run.sh convert "$work/rcv1.train.libsvm" -o "$work/again.hwd" >/dev/null
conv=$(echo "$(seconds) - $start" | bc -l)
# --- one worker process: samples/s per core (alone here; beside scikit-learn below) -------------------
./run.sh -q --data "$work/rcv1.train.libsvm" --test "$work/rcv1.test.libsvm" --procs 1 --epochs "$epochs" \
  --lambda "$lambda" --patience 0 --out "$work/one" >/dev/null
one_rate=$(number samples_per_second "$work/one/summary.json")
one_acc=$(number test_accuracy "$work/one/summary.json")
printf 'hogwild end to end (%s procs, lambda %s, %s epochs): %.1f s wall, test accuracy %.4f, %s samples/s\n' \
  "$procs" "$lambda" "$(number epochs "$work/e2e/summary.json")" "$hog_wall" "$hog_acc" "$hog_rate"
printf 'hogwild convert (JVM start-up included): %.2f s = %.0f MB/s of text\n' "$conv" "$(echo "$size / $conv / 1000000" | bc -l)"
printf 'hogwild 1 worker process (lambda %s, %s epochs): %s samples/s, test accuracy %.4f\n' "$lambda" "$epochs" \
  "$one_rate" "$one_acc"

# --- liblinear ---------------------------------------------------------------------------------------
if command -v liblinear-train >/dev/null 2>&1; then
  start=$(seconds)
  liblinear-train -q -s 2 -c 1 "$work/rcv1.train.libsvm" "$work/liblinear.model" >/dev/null
  liblinear-predict "$work/rcv1.test.libsvm" "$work/liblinear.model" "$work/liblinear.out" > "$work/liblinear.txt"
  ll_wall=$(echo "$(seconds) - $start" | bc -l)
  ll_acc=$(sed -n 's/Accuracy = \([0-9.]*\)%.*/\1/p' "$work/liblinear.txt")
  printf 'liblinear-train -s 2 -c 1 + predict: %.1f s wall, test accuracy %s %%\n' "$ll_wall" "$ll_acc"
  printf 'RATIO end to end: liblinear / hogwild wall time = %.2fx (target >= 1.5x), accuracy gap %.2f points\n' \
    "$(echo "$ll_wall / $hog_wall" | bc -l)" "$(echo "$ll_acc - 100 * $hog_acc" | bc -l)"
else
  echo "liblinear: skipped (install the Debian package liblinear-tools)"
fi

# --- scikit-learn ------------------------------------------------------------------------------------
py=/usr/bin/python3
if [ -x "$py" ] && "$py" -c 'import sklearn' >/dev/null 2>&1; then
  # Loads the text once into a binary copy (scipy's npz; the load is timed and reported, not counted), then
  # alternates R rounds of one hogwild worker process and a scikit-learn fit, each in a process of its own that
  # exits before the other starts, so that each ratio is of two runs made a minute apart at most (the machine's
  # speed drifts over a run of this script) and neither runs beside the other's memory; odd rounds run hogwild
  # first, even rounds scikit-learn. (Until efe4088 the hogwild runs were children of the Python process that
  # held the data and fitted: they slowed round after round there, 3.2 -> 2.2 M samples/s, and ran at full
  # speed again from the shell.)
  load=$("$py" - "$work/rcv1.train.libsvm" "$work/rcv1.test.libsvm" "$work" <<'PY'
import sys, time
import numpy as np
import scipy.sparse
from sklearn.datasets import load_svmlight_file
train, test, work = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.time(); X, y = load_svmlight_file(train, n_features=47236); load = time.time() - t
Xt, yt = load_svmlight_file(test, n_features=47236)
scipy.sparse.save_npz(work + "/X.npz", X, compressed=False); np.save(work + "/y.npy", y)
scipy.sparse.save_npz(work + "/Xt.npz", Xt, compressed=False); np.save(work + "/yt.npy", yt)
print(f"{load:.2f}")
PY
)
  echo "scikit-learn loaded the text in $load s (not counted; each fit reads scipy's binary copy)"
  hogwild_one() {
    ./run.sh -q --data "$work/rcv1.train.libsvm" --test "$work/rcv1.test.libsvm" --procs 1 --epochs "$epochs" \
      --lambda "$lambda" --patience 0 --out "$work/one-$1" >/dev/null
    number samples_per_second "$work/one-$1/summary.json"
  }
  sklearn_fit() { # prints: samples/s, test accuracy, fit seconds
    "$py" - "$work" "$epochs" "$lambda" <<'PY'
import sys, time
import numpy as np
import scipy.sparse
from sklearn.linear_model import SGDClassifier
work, epochs, alpha = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
X = scipy.sparse.load_npz(work + "/X.npz").tocsr(); y = np.load(work + "/y.npy")
Xt = scipy.sparse.load_npz(work + "/Xt.npz").tocsr(); yt = np.load(work + "/yt.npy")
clf = SGDClassifier(loss="hinge", alpha=alpha, max_iter=epochs, tol=None, random_state=1)
t = time.time(); clf.fit(X, y); fit = time.time() - t
print(f"{X.shape[0] * epochs / fit:.0f} {clf.score(Xt, yt):.4f} {fit:.2f}")
PY
  }
  ratios=()
  tta_ratios=()
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then
      first=hogwild; hog=$(hogwild_one "$r"); sk=$(sklearn_fit)
    else
      first=scikit-learn; sk=$(sklearn_fit); hog=$(hogwild_one "$r")
    fi
    if [ -z "$hog" ] || [ -z "$sk" ]; then
      echo "round $r: no figure (hogwild: '${hog}', scikit-learn: '${sk}'); see $work, kept" >&2
      trap - EXIT
      exit 1
    fi
    read -r sk_rate sk_acc sk_fit <<< "$sk"
    ratio=$(echo "$hog / $sk_rate" | bc -l)
    ratios+=("$ratio")
    printf 'round %s (%s first): hogwild 1 worker %s samples/s, scikit-learn SGDClassifier(hinge, alpha=%s) %s samples/s (fit %s s), test accuracy %s: RATIO %.2fx\n' \
      "$r" "$first" "$hog" "$lambda" "$sk_rate" "$sk_fit" "$sk_acc" "$ratio"
    # metrics.csv: epoch,seconds,step_size,train_loss,val_loss,val_accuracy,test_loss,test_accuracy,samples_per_second,epoch_seconds
    reached=$(awk -F, -v target="$sk_acc" 'NR > 1 { t += $10; if ($8 >= target) { printf "%s %.3f", $1, t; exit } }' \
      "$work/one-$r/metrics.csv")
    if [ -n "$reached" ]; then
      read -r reached_epoch reached_seconds <<< "$reached"
      tta=$(echo "$sk_fit / $reached_seconds" | bc -l)
      tta_ratios+=("$tta")
      printf '  time to scikit-learn'"'"'s accuracy %s: hogwild %.3f s (epoch %s), scikit-learn %s s: RATIO %.2fx\n' \
        "$sk_acc" "$reached_seconds" "$reached_epoch" "$sk_fit" "$tta"
    else
      echo "  time to scikit-learn's accuracy $sk_acc: hogwild did not reach it in $epochs epochs"
    fi
  done
  printf 'RATIO per core, median of %s rounds: hogwild 1 worker / scikit-learn = %.2fx (target >= 3x)\n' \
    "$rounds" "$(median "${ratios[@]}")"
  if [ "${#tta_ratios[@]}" -gt 0 ]; then
    printf 'RATIO time to scikit-learn'"'"'s accuracy, median of %s rounds: scikit-learn fit / hogwild 1 worker = %.2fx\n' \
      "${#tta_ratios[@]}" "$(median "${tta_ratios[@]}")"
  fi
else
  echo "scikit-learn: skipped (install the Debian package python3-sklearn)"
fi
