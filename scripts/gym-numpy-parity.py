"""Counts how many float64 states of the TypeScript classic-control trajectories (scripts/gym-numpy-parity.ts)
are bit for bit what Gymnasium's step code gives with NumPy's float64 math (np.sin, np.cos, np.clip on numpy
float64 scalars), from the same start states and actions. The step code is Gymnasium's classic_control code,
term by term in its order; each step restarts from the TypeScript state so one differing bit is counted once.

    python3 scripts/gym-numpy-parity.py TRAJ.json
"""
import json, struct, sys
import numpy as np

f64 = np.float64
def unhex(h): return f64(struct.unpack('>d', bytes.fromhex(h))[0])
def tohex(v): return struct.pack('>d', float(v)).hex()

def cartpole(s, a):
    x, x_dot, theta, theta_dot = s
    force = f64(10.0) if a == 1 else f64(-10.0)
    costheta, sintheta = np.cos(theta), np.sin(theta)
    total_mass, polemass_length, length, masspole = f64(1.1), f64(0.05), f64(0.5), f64(0.1)
    temp = (force + polemass_length * np.square(theta_dot) * sintheta) / total_mass
    thetaacc = (f64(9.8) * sintheta - costheta * temp) / (length * (f64(4.0) / f64(3.0) - masspole * np.square(costheta) / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    tau = f64(0.02)
    return [x + tau * x_dot, x_dot + tau * xacc, theta + tau * theta_dot, theta_dot + tau * thetaacc]

def acrobot_dsdt(s, a):
    m1 = m2 = l1 = f64(1.0); lc1 = lc2 = f64(0.5); I1 = I2 = f64(1.0); g = f64(9.8); pi = f64(np.pi)
    theta1, theta2, dtheta1, dtheta2 = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(theta2)) + I1 + I2
    d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(theta2)) + I2
    phi2 = m2 * lc2 * g * np.cos(theta1 + theta2 - pi / 2.0)
    phi1 = -m2 * l1 * lc2 * dtheta2**2 * np.sin(theta2) - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * np.sin(theta2) + (m1 * lc1 + m2 * l1) * g * np.cos(theta1 - pi / 2) + phi2
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * np.sin(theta2) - phi2) / (m2 * lc2**2 + I2 - d2**2 / d1)
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return np.array([dtheta1, dtheta2, ddtheta1, ddtheta2], dtype=np.float64)

def wrap(x, m, M):
    diff = M - m
    while x > M: x = x - diff
    while x < m: x = x + diff
    return x

def acrobot(s, a):
    torque = f64([-1.0, 0.0, 1.0][a]); y0 = np.array(s, dtype=np.float64)
    dt = f64(0.2); dt2 = dt / 2.0; dt6 = dt / 6.0
    k1 = acrobot_dsdt(y0, torque); k2 = acrobot_dsdt(y0 + dt2 * k1, torque)
    k3 = acrobot_dsdt(y0 + dt2 * k2, torque); k4 = acrobot_dsdt(y0 + dt * k3, torque)
    yout = y0 + dt6 * (k1 + 2 * k2 + 2 * k3 + k4)
    pi = f64(np.pi)
    return [wrap(yout[0], -pi, pi), wrap(yout[1], -pi, pi), np.clip(yout[2], -4 * pi, 4 * pi), np.clip(yout[3], -9 * pi, 9 * pi)]

def mountain_car(s, a):
    position, velocity = s
    velocity += (a - 1) * f64(0.001) + np.cos(3 * position) * (-f64(0.0025))
    velocity = np.clip(velocity, -0.07, 0.07)
    position += velocity
    position = np.clip(position, -1.2, 0.6)
    if position == -1.2 and velocity < 0: velocity = f64(0)
    return [position, velocity]

def pendulum(s, u):
    th, thdot = s
    u = np.clip(f64(u), -2.0, 2.0)
    g, m, l, dt = f64(10.0), f64(1.0), f64(1.0), f64(0.05)
    newthdot = thdot + (3 * g / (2 * l) * np.sin(th) + 3.0 / (m * l**2) * u) * dt
    newthdot = np.clip(newthdot, -8, 8)
    return [th + newthdot * dt, newthdot]

STEP = {'CartPole-v1': cartpole, 'Acrobot-v1': acrobot, 'MountainCar-v0': mountain_car, 'Pendulum-v1': pendulum}
data = json.load(open(sys.argv[1]))
total = {}
for name, episodes in data.items():
    same = n = 0
    for ep in episodes:
        s = [unhex(h) for h in ep['s0']]
        for a, want in zip(ep['actions'], ep['states']):
            got = STEP[name](s, a)
            for g, w in zip(got, want):
                n += 1; same += tohex(g) == w
            s = [unhex(h) for h in want]
    print(f'{name:16s} {same:6d} of {n:6d} float64 state values equal NumPy bit for bit ({100 * same / n:.2f} %)')
