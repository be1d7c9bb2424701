# Installs the add-in's test tools (office-addin-mock, office-addin-manifest, the converter) from
# package-lock.json: `npm ci --no-audit --no-fund` in extension/outlook, run by the build when
# node_modules is older than the lockfile. A failure (offline, no npm) does not fail the build: the
# outlook tests then fail with one line saying which command to run.
#   cmake -DNPM=/usr/bin/npm -DDIR=extension/outlook -DSTAMP=.../node_modules/.bccshield-npm-ci -P npm-ci.cmake
if(NOT NPM)
  message(WARNING "npm not found: the Outlook tests need `cd ${DIR} && npm ci` (Debian: apt-get install npm)")
  return()
endif()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error
  WORKING_DIRECTORY "${DIR}" RESULT_VARIABLE rc)
if(rc EQUAL 0)
  file(TOUCH "${STAMP}")
else()
  message(WARNING "npm ci failed in ${DIR} (${rc}): the Outlook tests need `cd ${DIR} && npm ci`")
endif()
