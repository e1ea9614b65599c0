"""The course-completion event: what decides that an officer completed a course, and who is
told when they did. The one place to read to know what happens on completion.

Courses knows nothing of the apps above it. They join in from their AppConfig.ready():

- assessments adds completion conditions (`add_completion_condition`): every required quiz
  and signing exercise passed;
- certification subscribes to the event (`subscribe`): it issues or renews the certificate.

A condition takes the enrolment and returns a bool; every one must hold (with courses' own:
every required lesson done) for the course to complete. A subscriber is called with the
completed enrolment once, inside the transaction that recorded the completion, so a
subscriber's failure rolls the completion back and nothing is half done.
"""

_conditions = []
_subscribers = []


def add_completion_condition(condition):
    """Call from AppConfig.ready(): `condition(enrolment)` must hold for a course to complete."""
    if condition not in _conditions:
        _conditions.append(condition)
    return condition


def subscribe(subscriber):
    """Call from AppConfig.ready(): `subscriber(enrolment)` is told of each completion."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def completion_conditions():
    return tuple(_conditions)


def subscribers():
    return tuple(_subscribers)


def course_completed(enrolment):
    """Tell every subscriber that `enrolment` has just been completed."""
    for subscriber in _subscribers:
        subscriber(enrolment)
