"""nbgrader on the course's grading server. The course folder's own nbgrader_config.py
(course id, gradebook, grading settings) is read after this one, from the working directory."""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.Exchange.root = os.environ["COURSE_EXCHANGE"]
# Every user's server runs under the hub's own Unix account, so every submission in the
# exchange is owned by that account: nbgrader's "owned by someone else; cheating attempt?"
# check would flag them all. (With real Unix users, drop this line.)
c.ExchangeCollect.check_owner = False
