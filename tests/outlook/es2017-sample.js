// Not ES2016: the ES2016 gate must refuse this file.
async function later() {
  return 1;
}
later();
