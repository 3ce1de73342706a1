# Sourced by the benchmarks that draw a chart: install gnuplot (Debian's gnuplot-nox) when it is missing, before the
# long run, so the run does not end at its chart.
if ! command -v gnuplot > /dev/null; then
  echo "gnuplot missing: installing gnuplot-nox with apt-get" >&2
  sudo -n apt-get install -y -qq gnuplot-nox > /dev/null 2>&1 || apt-get install -y -qq gnuplot-nox > /dev/null
fi
